module steptest

go 1.19
