// Each test class owns a database; classes may run in parallel, tests within a class do not.
[assembly: CollectionBehavior(DisableTestParallelization = false, MaxParallelThreads = 4)]
