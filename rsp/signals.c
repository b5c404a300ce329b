/* rsp/signals.c - placeholder, to be written. */
#include "rsp/codec.h"
