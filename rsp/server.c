/* rsp/server.c - placeholder, to be written. */
#include "rsp/codec.h"
