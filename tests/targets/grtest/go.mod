module grtest

go 1.19
