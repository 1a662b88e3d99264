%% The worker restarted by bench_supervisor: announces itself to the driver from init/1.
-module(bench_supervisor_worker).
-behaviour(gen_server).
-export([start_link/1]).
-export([init/1, handle_call/3, handle_cast/2]).

start_link(Driver) -> gen_server:start_link(?MODULE, Driver, []).

init(Driver) -> Driver ! {up, self()}, {ok, Driver}.

handle_call(_Request, _From, State) -> {reply, ok, State}.

handle_cast(_Request, State) -> {noreply, State}.
