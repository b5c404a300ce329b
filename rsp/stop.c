/* rsp/stop.c - placeholder, to be written. */
#include "rsp/codec.h"
