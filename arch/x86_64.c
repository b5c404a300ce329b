/* arch/x86_64.c - placeholder, to be written. */
#include "arch/arch.h"
