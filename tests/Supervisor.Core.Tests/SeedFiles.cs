namespace Supervisor.Core.Tests;

/// <summary>Locates the read-only shared folder (seed documents, official calendar data) beside the repository.</summary>
internal static class SeedFiles
{
    public static string SharedDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "seeds")))
                {
                    return candidate;
                }

                candidate = Path.Combine(dir.FullName, "..", "shared");
                if (Directory.Exists(Path.Combine(candidate, "seeds")))
                {
                    return Path.GetFullPath(candidate);
                }

                dir = dir.Parent;
            }

            throw new DirectoryNotFoundException("shared/seeds not found above " + AppContext.BaseDirectory + "; set SUPERVISOR_SHARED_DIR");
        }
    }

    public static string Seed(string prefix) =>
        File.ReadAllText(Directory.GetFiles(Path.Combine(Environment.GetEnvironmentVariable("SUPERVISOR_SHARED_DIR") ?? SharedDirectory, "seeds"), prefix + "_*.txt").Single());

    public static string WorkdaysCsv =>
        File.ReadAllText(Path.Combine(Environment.GetEnvironmentVariable("SUPERVISOR_SHARED_DIR") ?? SharedDirectory, "data", "cn-workdays.csv"));
}
