%% memory-idle-process: erlang:memory(processes) grows by how much per process
%% when `Processes` processes sit blocked in receive?
-module(bench_memory).
-export([run/1]).

run(Processes) ->
    erlang:garbage_collect(),
    Before = erlang:memory(processes),
    Last = spawn_idle(Processes, undefined),
    wait_until_waiting(Last),
    After = erlang:memory(processes),
    {(After - Before) / Processes, <<"bytes">>}.

%% Only the last pid is kept, so the driver's own heap does not grow with N.
spawn_idle(0, Last) -> Last;
spawn_idle(Left, _) -> spawn_idle(Left - 1, spawn(fun idle/0)).

idle() -> receive stop -> ok end.

%% With one scheduler the run queue is FIFO: once the last process waits, all do.
wait_until_waiting(Pid) ->
    case process_info(Pid, status) of
        {status, waiting} -> ok;
        _ -> erlang:yield(), wait_until_waiting(Pid)
    end.
