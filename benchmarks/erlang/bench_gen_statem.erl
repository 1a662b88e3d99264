%% gen-statem-events: a two-state machine (off <-> on) toggled by cast events;
%% one call at the end proves every event was handled.
-module(bench_gen_statem).
-behaviour(gen_statem).
-export([run/1]).
-export([callback_mode/0, init/1, off/3, on/3]).

run(Events) ->
    {ok, Machine} = gen_statem:start_link(?MODULE, 0, []),
    Start = bench_main:now_ns(),
    toggle(Machine, Events),
    Events = gen_statem:call(Machine, count, infinity),
    {Events / bench_main:elapsed_seconds(Start), <<"events/s">>}.

toggle(_Machine, 0) -> ok;
toggle(Machine, Left) -> gen_statem:cast(Machine, toggle), toggle(Machine, Left - 1).

callback_mode() -> state_functions.

init(Count) -> {ok, off, Count}.

off(cast, toggle, Count) -> {next_state, on, Count + 1};
off({call, From}, count, Count) -> {keep_state_and_data, [{reply, From, Count}]}.

on(cast, toggle, Count) -> {next_state, off, Count + 1};
on({call, From}, count, Count) -> {keep_state_and_data, [{reply, From, Count}]}.
