namespace Supervisor.IntegrationTests.Infrastructure;

/// <summary>The read-only shared folder beside the repository: seed documents and official calendar data (tests only).</summary>
internal static class SharedFiles
{
    public static string Directory { get; } = Find();

    public static string Seed(string prefix) =>
        System.IO.Directory.GetFiles(Path.Combine(Directory, "seeds"), prefix + "_*.txt").Single();

    private static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SUPERVISOR_SHARED_DIR");
        if (fromEnv is not null)
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared"), Path.Combine(dir.FullName, "..", "shared") })
            {
                if (System.IO.Directory.Exists(Path.Combine(candidate, "seeds")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException("shared/seeds not found above " + AppContext.BaseDirectory + "; set SUPERVISOR_SHARED_DIR");
    }
}
