%% supervisor-restart: a one_for_one supervisor restarts one gen_server worker
%% `Restarts` times. The driver kills the worker (exit(Pid, kill)) and waits for
%% the `{up, Pid}` message the new worker sends from its init/1.
%% The logger is silenced (primary level none) so the supervisor's
%% child_terminated reports are filtered, not formatted and printed.
-module(bench_supervisor).
-behaviour(supervisor).
-export([run/1]).
-export([init/1]).

run(Restarts) ->
    ok = logger:set_primary_config(level, none),
    {ok, _Supervisor} = supervisor:start_link(?MODULE, {self(), Restarts}),
    First = receive {up, Pid} -> Pid end,
    Start = bench_main:now_ns(),
    restart_loop(First, Restarts),
    {Restarts / bench_main:elapsed_seconds(Start), <<"restarts/s">>}.

restart_loop(_Worker, 0) -> ok;
restart_loop(Worker, Left) ->
    exit(Worker, kill),
    receive {up, Next} -> restart_loop(Next, Left - 1) end.

%% Intensity above the number of restarts, so the supervisor never gives up;
%% the shortest period OTP allows (1 s), because the supervisor keeps every
%% restart time inside the period in a list it walks on each restart: a long
%% period would make this benchmark quadratic in `Restarts`.
init({Driver, Restarts}) ->
    Flags = #{strategy => one_for_one, intensity => Restarts + 1, period => 1},
    Worker = #{id => worker, start => {bench_supervisor_worker, start_link, [Driver]}},
    {ok, {Flags, [Worker]}}.
