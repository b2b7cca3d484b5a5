namespace Supervisor.IntegrationTests.Infrastructure;

/// <summary>The repository checkout the tests were built from (for demo/ and sql/).</summary>
internal static class RepoFiles
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Supervisor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Supervisor.sln not found above " + AppContext.BaseDirectory);
    }
}
