using System.Text.RegularExpressions;

namespace Supervisor.Jobs;

/// <summary>One registered job: its name (the Hangfire recurring job id, the key in job_runs and in <c>Jobs:</c>), its pass and the name the office reads.</summary>
/// <param name="DisplayName">In Chinese, for the Hangfire Dashboard and the console (节点扫描).</param>
public sealed record JobRegistration(string Name, Type JobType, string DisplayName);

/// <summary>The jobs this build registered, by name.</summary>
public sealed partial class JobCatalog
{
    private readonly Dictionary<string, JobRegistration> _byName;

    public JobCatalog(IEnumerable<JobRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        _byName = new Dictionary<string, JobRegistration>(StringComparer.OrdinalIgnoreCase);
        foreach (var registration in registrations)
        {
            if (!_byName.TryAdd(registration.Name, registration))
            {
                throw new InvalidOperationException($"Job '{registration.Name}' is registered twice.");
            }
        }

        All = [.. _byName.Values.OrderBy(r => r.Name, StringComparer.Ordinal)];
        Names = [.. All.Select(r => r.Name)];
    }

    /// <summary>In name order.</summary>
    public IReadOnlyList<JobRegistration> All { get; }

    /// <summary>The names of <see cref="All"/>.</summary>
    public IReadOnlyList<string> Names { get; }

    public JobRegistration? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The Chinese name of a job, or its id when this build does not have it.</summary>
    public string DisplayName(string name) => Find(name)?.DisplayName ?? name;

    /// <summary>Job names are lowercase words joined by hyphens: they appear in configuration keys, environment variables and URLs.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}
