%% ping-pong: the driver and one echo process exchange `RoundTrips` ping/pong pairs.
-module(bench_ping_pong).
-export([run/1]).

run(RoundTrips) ->
    Pong = spawn(fun pong/0),
    Start = bench_main:now_ns(),
    ping(Pong, RoundTrips),
    {RoundTrips / bench_main:elapsed_seconds(Start), <<"round trips/s">>}.

ping(_Pong, 0) -> ok;
ping(Pong, Left) ->
    Pong ! {ping, self()},
    receive pong -> ping(Pong, Left - 1) end.

pong() ->
    receive {ping, From} -> From ! pong, pong() end.
