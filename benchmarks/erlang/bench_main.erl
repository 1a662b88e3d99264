%% Entry point of the BEAM side of `pnpm bench`: runs one workload in a fresh
%% driver process and prints exactly one JSON line, {"value":V,"unit":U} or
%% {"error":Text}. Started by benchmarks/src/beam.ts as
%%   erl +S 1:1 -noshell -pa EBIN -eval 'bench_main:main(["ring-1000","10000000"])' -s init stop
-module(bench_main).
-export([main/1, elapsed_seconds/1, now_ns/0]).

main([Workload, SizeText]) ->
    Size = list_to_integer(SizeText),
    Line = case run_isolated(Workload, Size) of
               {ok, {Value, Unit}} ->
                   io_lib:format("{\"value\":~s,\"unit\":\"~s\"}", [number(Value), Unit]);
               {error, Reason} ->
                   io_lib:format("{\"error\":\"~s\"}", [escape(lists:flatten(io_lib:format("~0p", [Reason])))])
           end,
    io:put_chars([Line, $\n]).

%% The workload runs in its own driver process, so nothing left in the eval
%% process takes part. The driver gets a 4096-word minimum heap, about what the
%% eval process (or a shell) has: with the default 233 words a driver that
%% allocates in bursts (spawn-exit) shrinks its heap after every batch and runs
%% ~3x slower, an artefact nobody measuring from a shell would see.
run_isolated(Workload, Size) ->
    Parent = self(),
    Driver = fun() -> Parent ! {self(), result, workload(Workload, Size)} end,
    {Pid, Monitor} = spawn_opt(Driver, [monitor, {min_heap_size, 4096}]),
    receive
        {Pid, result, Result} ->
            erlang:demonitor(Monitor, [flush]),
            {ok, Result};
        {'DOWN', Monitor, process, Pid, Reason} ->
            {error, Reason}
    end.

workload("ring-1000", Hops) -> bench_ring:run(1000, Hops);
workload("ring-10000", Hops) -> bench_ring:run(10000, Hops);
workload("ping-pong", RoundTrips) -> bench_ping_pong:run(RoundTrips);
workload("spawn-exit", Spawns) -> bench_spawn_exit:run(Spawns);
workload("skynet", Leaves) -> bench_skynet:run(Leaves);
workload("reply-receive-deep", Calls) -> bench_reply_receive:run(Calls, 10000);
workload("reply-receive-empty", Calls) -> bench_reply_receive:run(Calls, 0);
workload("memory-idle-process", Processes) -> bench_memory:run(Processes);
workload("gen-server-call", Calls) -> bench_gen_server:run_call(Calls);
workload("gen-server-cast", Casts) -> bench_gen_server:run_cast(Casts);
workload("supervisor-restart", Restarts) -> bench_supervisor:run(Restarts);
workload("gen-statem-events", Events) -> bench_gen_statem:run(Events);
workload("dist-roundtrip", RoundTrips) -> bench_dist:run(roundtrip, RoundTrips);
workload("dist-oneway", Messages) -> bench_dist:run(oneway, Messages);
workload("dist-1mb", Messages) -> bench_dist:run(one_megabyte, Messages);
workload(Other, _) -> error({unknown_workload, Other}).

now_ns() -> erlang:monotonic_time(nanosecond).

elapsed_seconds(StartNs) -> (now_ns() - StartNs) / 1.0e9.

%% ~w prints floats in their shortest round-trip form (e.g. 3.3e6), which is valid JSON.
number(Value) when is_integer(Value) -> integer_to_list(Value);
number(Value) when is_float(Value) -> io_lib:format("~w", [Value]).

escape([]) -> [];
escape([$" | Rest]) -> [$\\, $" | escape(Rest)];
escape([$\\ | Rest]) -> [$\\, $\\ | escape(Rest)];
escape([C | Rest]) when C < 32 -> [$\s | escape(Rest)];
escape([C | Rest]) -> [C | escape(Rest)].
