module symtest

go 1.19
