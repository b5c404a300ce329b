/* stub/regcache.c - placeholder, to be written. */
#include "stub/regcache.h"
