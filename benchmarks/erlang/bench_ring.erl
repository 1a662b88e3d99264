%% ring-N: N processes in a ring pass one token `Hops` times; only the passing is timed.
-module(bench_ring).
-export([run/2]).

run(Processes, Hops) ->
    Driver = self(),
    Pids = [spawn(fun() -> receive {next, Next} -> member(Next, Driver) end end)
            || _ <- lists:seq(1, Processes)],
    connect(Pids, hd(Pids)),
    Start = bench_main:now_ns(),
    hd(Pids) ! {token, Hops},
    receive done -> ok end,
    {Hops / bench_main:elapsed_seconds(Start), <<"hops/s">>}.

connect([Last], First) -> Last ! {next, First};
connect([Pid, Next | Rest], First) -> Pid ! {next, Next}, connect([Next | Rest], First).

member(Next, Driver) ->
    receive
        {token, 0} -> Driver ! done, member(Next, Driver);
        {token, Left} -> Next ! {token, Left - 1}, member(Next, Driver)
    end.
