using System.Text.RegularExpressions;
using System.Xml.Linq;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Cli;

/// <summary>
/// No Docker engine runs here, so the image is checked by reading: what the product's projects take from the
/// repository at publish time must be copied into the build stage, or the image ships without it.
/// </summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public void BuildStage_CopiesEveryRepositoryFolderThePublishedProjectsInclude()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepoFiles.Root, "Dockerfile"));
        var copied = CopyLine().Matches(dockerfile).Select(m => m.Groups[1].Value.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);

        var needed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var project in Directory.GetFiles(Path.Combine(RepoFiles.Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            foreach (var include in XDocument.Load(project).Descendants().Where(e => e.Name.LocalName is "Content" or "None" or "EmbeddedResource")
                         .Select(e => (string?)e.Attribute("Include")).OfType<string>())
            {
                // A path that leaves src/ names a top-level folder of the repository (../../templates/** → templates).
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, include.Split('*')[0]));
                var relative = Path.GetRelativePath(RepoFiles.Root, full).Replace('\\', '/');
                var top = relative.Split('/')[0];
                if (!relative.StartsWith("src/", StringComparison.Ordinal) && top is not ("" or ".." or "src"))
                {
                    needed.Add(top);
                }
            }
        }

        Assert.Contains("templates", needed);
        Assert.Equal([], needed.Except(copied, StringComparer.Ordinal).ToList());
    }

    [GeneratedRegex(@"^COPY\s+(?!--from)(\S+)\s", RegexOptions.Multiline)]
    private static partial Regex CopyLine();
}
