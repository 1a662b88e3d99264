%% reply-receive-*: a client makes `Calls` requests of the form
%% make_ref(), Server ! {Ref, self()}, receive {Ref, Reply}, with `Depth`
%% unrelated messages parked in its own mailbox. The compiler turns this shape
%% into a receive marker (the "ref trick"), so the parked messages are never scanned.
-module(bench_reply_receive).
-export([run/2]).

run(Calls, Depth) ->
    Server = spawn(fun server/0),
    [self() ! {unrelated, I} || I <- lists:seq(1, Depth)],
    Start = bench_main:now_ns(),
    calls(Server, Calls),
    Seconds = bench_main:elapsed_seconds(Start),
    {message_queue_len, Depth} = process_info(self(), message_queue_len),
    {Calls / Seconds, <<"ops/s">>}.

calls(_Server, 0) -> ok;
calls(Server, Left) ->
    Ref = make_ref(),
    Server ! {Ref, self()},
    receive {Ref, _Reply} -> calls(Server, Left - 1) end.

server() ->
    receive {Ref, From} -> From ! {Ref, ok}, server() end.
