%% spawn-exit: spawn `Spawns` processes in batches of 10,000. Each child sends one
%% `done` message to the driver and returns (exits normally); the driver counts
%% the batch's `done` messages before it spawns the next batch. The Troupe side
%% (benchmarks/src/workloads/spawn-exit.ts) uses the same counter-message method.
-module(bench_spawn_exit).
-export([run/1]).

-define(BATCH, 10000).

run(Spawns) ->
    Start = bench_main:now_ns(),
    batches(Spawns),
    {Spawns / bench_main:elapsed_seconds(Start), <<"spawns/s">>}.

batches(0) -> ok;
batches(Left) ->
    Batch = min(Left, ?BATCH),
    spawn_children(Batch, self()),
    await(Batch),
    batches(Left - Batch).

spawn_children(0, _Driver) -> ok;
spawn_children(Left, Driver) ->
    spawn(fun() -> Driver ! done end),
    spawn_children(Left - 1, Driver).

await(0) -> ok;
await(Left) -> receive done -> await(Left - 1) end.
