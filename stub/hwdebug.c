/* stub/hwdebug.c - placeholder, to be written. */
#include "stub/hwdebug.h"
