using System.Globalization;

namespace Supervisor.Bench;

/// <summary>
/// CPU time taken by a process, and by every PostgreSQL process on the machine, read from /proc (Linux): where a
/// figure's CPU went when the machine has none idle. Zero where /proc is not there.
/// </summary>
public sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on

    private readonly int? _sink;
    private readonly double _self;
    private readonly double _sinkStart;
    private readonly Dictionary<int, double> _postgres;
    private readonly (double Busy, double Total) _machine;

    private CpuMeter(int? sink)
    {
        _sink = sink;
        _self = Seconds(Environment.ProcessId);
        _sinkStart = sink is null ? 0 : Seconds(sink.Value);
        _postgres = Postgres();
        _machine = Machine();
    }

    /// <summary>Starts measuring this process, the sink process (if any) and PostgreSQL.</summary>
    public static CpuMeter Start(int? sinkProcessId) => new(sinkProcessId);

    /// <summary>CPU seconds since start: this process, the sink, PostgreSQL (processes that ended meanwhile are not counted), and the machine's busy share.</summary>
    public CpuUse Stop()
    {
        var postgres = Postgres().Sum(p => p.Value - _postgres.GetValueOrDefault(p.Key));
        var machine = Machine();
        var total = machine.Total - _machine.Total;
        return new CpuUse(
            Seconds(Environment.ProcessId) - _self,
            _sink is null ? 0 : Seconds(_sink.Value) - _sinkStart,
            postgres,
            total <= 0 ? 0 : (machine.Busy - _machine.Busy) / total);
    }

    private static double Seconds(int pid)
    {
        try
        {
            // Fields after the command (which may hold spaces, so split after its closing parenthesis): utime is the 14th field.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    private static Dictionary<int, double> Postgres()
    {
        var result = new Dictionary<int, double>();
        if (!Directory.Exists("/proc"))
        {
            return result;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ReadComm(pid) == "postgres")
            {
                result[pid] = Seconds(pid);
            }
        }

        return result;
    }

    private static string? ReadComm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (double Busy, double Total) Machine()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var total = cpu.Take(8).Sum();
            var idle = cpu[3] + cpu[4];
            return (total - idle, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }
}

/// <summary>CPU seconds of a measured span: the bench process, the SMTP sink, PostgreSQL; and how busy the machine was (0–1).</summary>
public sealed record CpuUse(double Self, double Sink, double Postgres, double MachineBusy)
{
    public static CpuUse Median(IReadOnlyList<CpuUse> uses) => new(
        DeliveryBench.Median(uses.Select(u => u.Self)), DeliveryBench.Median(uses.Select(u => u.Sink)), DeliveryBench.Median(uses.Select(u => u.Postgres)), DeliveryBench.Median(uses.Select(u => u.MachineBusy)));

    /// <summary>"client 312 µs, sink 401 µs, PostgreSQL 55 µs per message; machine 98 % busy".</summary>
    public string PerMessage(int messages) => string.Create(CultureInfo.InvariantCulture,
        $"CPU per message: client {Self / messages * 1e6:F0} µs, sink {Sink / messages * 1e6:F0} µs, PostgreSQL {Postgres / messages * 1e6:F0} µs; machine {MachineBusy:P0} busy");
}
