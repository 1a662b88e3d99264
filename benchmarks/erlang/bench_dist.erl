%% dist-*: message passing between this node and a peer node on 127.0.0.1.
%% This node is started by benchmarks/src/beam.ts with
%% -name troupe_bench_a_<ospid>@127.0.0.1 -setcookie ...; the peer is started
%% here with the `peer` module (+S 1:1, same cookie, dist bound to loopback)
%% and stopped before returning, whatever happens.
-module(bench_dist).
-export([run/2]).
-export([echo/0, sink/1]).

-define(MEGABYTE, 1048576).

run(Kind, Count) ->
    {ok, Peer, Node} = start_peer(),
    try
        measure(Kind, Node, Count)
    after
        peer:stop(Peer)
    end.

start_peer() ->
    Name = list_to_atom("troupe_bench_b_" ++ os:getpid()),
    CodePath = filename:dirname(code:which(?MODULE)),
    peer:start_link(#{name => Name, host => "127.0.0.1", longnames => true,
                      args => ["+S", "1:1", "-setcookie", atom_to_list(erlang:get_cookie()),
                               "-kernel", "inet_dist_use_interface", "{127,0,0,1}",
                               "-pa", CodePath]}).

%% Small request, small reply, one at a time.
measure(roundtrip, Node, RoundTrips) ->
    Echo = spawn(Node, ?MODULE, echo, []),
    round_trips(Echo, 100),
    Start = bench_main:now_ns(),
    round_trips(Echo, RoundTrips),
    {RoundTrips / bench_main:elapsed_seconds(Start), <<"round trips/s">>};
%% Small messages one way; a final sync returns the count the sink saw.
measure(oneway, Node, Messages) ->
    Sink = spawn(Node, ?MODULE, sink, [0]),
    Start = bench_main:now_ns(),
    send_many(Sink, {msg, 42}, Messages),
    Messages = sync(Sink),
    {Messages / bench_main:elapsed_seconds(Start), <<"msgs/s">>};
%% 1 MB (2^20 bytes) binaries one way, then a sync; figure in MB (2^20 bytes) per second.
measure(one_megabyte, Node, Messages) ->
    Sink = spawn(Node, ?MODULE, sink, [0]),
    Payload = binary:copy(<<"x">>, ?MEGABYTE),
    Start = bench_main:now_ns(),
    send_many(Sink, {bin, Payload}, Messages),
    Messages = sync(Sink),
    {Messages / bench_main:elapsed_seconds(Start), <<"MB/s">>}.

round_trips(_Echo, 0) -> ok;
round_trips(Echo, Left) ->
    Echo ! {self(), ping},
    receive ping -> round_trips(Echo, Left - 1) end.

send_many(_To, _Message, 0) -> ok;
send_many(To, Message, Left) -> To ! Message, send_many(To, Message, Left - 1).

%% Messages between one pair of processes arrive in order, so the reply to
%% `sync` comes after every message sent before it was received.
sync(Sink) ->
    Sink ! {sync, self()},
    receive {synced, Count} -> Count end.

echo() ->
    receive {From, Message} -> From ! Message, echo() end.

sink(Count) ->
    receive
        {sync, From} -> From ! {synced, Count};
        _ -> sink(Count + 1)
    end.
