/* stub/main.c - placeholder, to be written. */
#include <stdio.h>
int main(void)
{
    fputs("gostub: not built yet\n", stderr);
    return 1;
}
