using Supervisor.Bench;
using Supervisor.Cli;

return await SupervisorCli.InvokeAsync(BenchCommands.Root(), "supervisor-bench", args);
