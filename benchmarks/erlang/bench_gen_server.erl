%% gen-server-call / gen-server-cast: one client drives a counter gen_server.
-module(bench_gen_server).
-behaviour(gen_server).
-export([run_call/1, run_cast/1]).
-export([init/1, handle_call/3, handle_cast/2]).

run_call(Calls) ->
    {ok, Server} = gen_server:start_link(?MODULE, 0, []),
    Start = bench_main:now_ns(),
    call_loop(Server, Calls),
    {Calls / bench_main:elapsed_seconds(Start), <<"calls/s">>}.

%% All casts, then one call: the call's reply proves every cast was handled.
run_cast(Casts) ->
    {ok, Server} = gen_server:start_link(?MODULE, 0, []),
    Start = bench_main:now_ns(),
    cast_loop(Server, Casts),
    Casts = gen_server:call(Server, count, infinity),
    {Casts / bench_main:elapsed_seconds(Start), <<"casts/s">>}.

call_loop(_Server, 0) -> ok;
call_loop(Server, Left) -> pong = gen_server:call(Server, ping), call_loop(Server, Left - 1).

cast_loop(_Server, 0) -> ok;
cast_loop(Server, Left) -> gen_server:cast(Server, increment), cast_loop(Server, Left - 1).

init(Count) -> {ok, Count}.

handle_call(ping, _From, Count) -> {reply, pong, Count};
handle_call(count, _From, Count) -> {reply, Count, Count}.

handle_cast(increment, Count) -> {noreply, Count + 1}.
