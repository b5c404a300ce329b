module valtest

go 1.19
