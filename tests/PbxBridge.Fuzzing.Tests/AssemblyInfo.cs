// The heap measurements of one run must not see another test's allocations: one test at a time in this assembly.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
