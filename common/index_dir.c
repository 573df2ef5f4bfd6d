/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_dir.c -- generations, stub and lock of an index directory (see
 * vn_index_dir.h for the layout).  The only place that names those files. */
#include "vn_index_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

vn_status vn_index_dir_lock(const char *dir, int *fd, vn_error *err)
{
    *fd = -1;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return vn_error_set(err, VN_ERR_IO, "cannot create index directory %s: %s", dir, strerror(errno));
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, VN_LOCK_NAME);
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0)
        return vn_error_set(err, VN_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(f);
        if (e == EWOULDBLOCK)
            return vn_error_set(err, VN_ERR_LOCKED, "index %s is being written by another indexer", dir);
        return vn_error_set(err, VN_ERR_IO, "cannot lock %s: %s", path, strerror(e));
    }
    *fd = f;
    return VN_OK;
}

void vn_index_dir_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing releases the flock */
}

int vn_index_dir_current(const char *dir)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/%s", dir, VN_STUB_NAME);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int gen = 0;
    if (fgets(line, sizeof line, f) && sscanf(line, "glass gen-%d", &gen) != 1)
        gen = 0;
    fclose(f);
    return gen > 0 ? gen : 0;
}

void vn_index_dir_gen_path(const char *dir, int gen, char *out, size_t len)
{
    snprintf(out, len, "%s/gen-%06d", dir, gen);
}

void vn_index_dir_remove_gen(const char *dir, int gen)
{
    char path[4096];
    vn_index_dir_gen_path(dir, gen, path, sizeof path);
    vn_index_dir_remove_path(path);
}

void vn_index_dir_remove_path(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char f[4400];
        snprintf(f, sizeof f, "%s/%s", path, e->d_name);
        unlink(f); /* glass databases are flat: files only */
    }
    closedir(d);
    rmdir(path);
}

void vn_index_dir_remove_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4400];
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "tmp-", 4) == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            vn_index_dir_remove_path(path);
        } else if (strcmp(e->d_name, VN_STUB_NAME ".tmp") == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

vn_status vn_index_dir_switch(const char *dir, int gen, int keep, vn_error *err)
{
    char tmp[4096], stub[4096];
    snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, VN_STUB_NAME);
    snprintf(stub, sizeof stub, "%s/%s", dir, VN_STUB_NAME);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return vn_error_set(err, VN_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    int ok = fprintf(f, "glass gen-%06d\n", gen) > 0;
    ok = (fflush(f) == 0) && ok && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, stub) != 0) {
        unlink(tmp);
        return vn_error_set(err, VN_ERR_IO, "cannot switch index %s to generation %d: %s", dir, gen, strerror(errno));
    }
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    /* old generations (and leftovers of killed rebuilds) */
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            int g;
            if (sscanf(e->d_name, "gen-%d", &g) == 1 && g != gen && g != keep)
                vn_index_dir_remove_gen(dir, g);
        }
        closedir(d);
    }
    return VN_OK;
}

unsigned long long vn_index_dir_stub_id(const char *dir)
{
    char stub[4096];
    struct stat st;
    snprintf(stub, sizeof stub, "%s/%s", dir, VN_STUB_NAME);
    if (stat(stub, &st) != 0)
        return 0;
    return (unsigned long long)st.st_ino;
}
