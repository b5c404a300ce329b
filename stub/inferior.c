/* stub/inferior.c - placeholder, to be written. */
#include "stub/inferior.h"
