using Supervisor.Cli;

return await SupervisorCli.RunAsync(args);
