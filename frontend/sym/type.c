#include "config.h"
#include <errno.h>
#include "frontend/sym/priv.h"
int sym_type_by_id(struct sym_image *img, uint64_t id, const struct sym_type **out) { (void)img; (void)id; (void)out; return -ENOSYS; }
int sym_type_by_name(struct sym_image *img, const char *name, const struct sym_type **out) { (void)img; (void)name; (void)out; return -ENOSYS; }
int sym_field_offset(struct sym_image *img, const char *type_name, const char *path, uint64_t *offset, const struct sym_type **type) { (void)img; (void)type_name; (void)path; (void)offset; (void)type; return -ENOSYS; }
int sym_const_by_name(struct sym_image *img, const char *name, int64_t *value, uint64_t *type) { (void)img; (void)name; (void)value; (void)type; return -ENOSYS; }
int sym_global_by_name(struct sym_image *img, const char *name, struct sym_global *out) { (void)img; (void)name; (void)out; return -ENOSYS; }
