%% skynet: a tree where every inner process spawns 10 children; each of the
%% `Leaves` leaves sends its number to its parent, parents send the sum upwards.
%% The result is checked (sum of 0..Leaves-1) and the wall time is the figure.
-module(bench_skynet).
-export([run/1]).

run(Leaves) ->
    Driver = self(),
    Start = bench_main:now_ns(),
    spawn(fun() -> tree(Driver, 0, Leaves) end),
    Sum = receive {sum, Value} -> Value end,
    Seconds = bench_main:elapsed_seconds(Start),
    Sum = Leaves * (Leaves - 1) div 2,
    {Seconds, <<"s">>}.

tree(Parent, Number, 1) -> Parent ! {sum, Number};
tree(Parent, Number, Size) ->
    Self = self(),
    Child = Size div 10,
    [spawn(fun() -> tree(Self, Number + I * Child, Child) end) || I <- lists:seq(0, 9)],
    Parent ! {sum, collect(10, 0)}.

collect(0, Sum) -> Sum;
collect(Left, Sum) -> receive {sum, Value} -> collect(Left - 1, Sum + Value) end.
