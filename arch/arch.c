/* arch/arch.c - placeholder, to be written. */
#include "arch/arch.h"
