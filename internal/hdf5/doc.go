// Package hdf5 reads and writes the subset of HDF5 that Keras 3 and h5py use
// for weights files (model.weights.h5 inside a .keras archive, and
// .weights.h5): nested groups, attributes holding strings or numbers, and
// datasets of integers and IEEE floats of any rank, including 0.
//
// The reader understands the layouts h5py writes: superblock versions 0 to 3,
// version 1 and 2 object headers, groups stored as symbol tables (a version 1
// B-tree with a local heap) or as link messages, links and attributes kept
// densely (in a fractal heap indexed by a version 2 B-tree), contiguous,
// compact and chunked data (chunks indexed by a version 1 B-tree, a fixed
// array, a single chunk or implicitly; the deflate, shuffle and fletcher32
// filters), and variable-length strings kept in global heaps. It does not
// follow soft or external links, and it reports extensible-array and
// version 2 B-tree chunk indexes (datasets with unlimited dimensions),
// committed datatypes and compound types as unsupported.
//
// The reader treats its input as untrusted: every size, offset and count read
// from the file is checked against the file's size before anything is
// allocated or read, a group that contains itself is an error, and corrupt
// input gives an error, never a panic.
//
// The writer produces a file in the format of HDF5 1.8 (superblock version 2,
// version 2 object headers, groups held as link messages, contiguous
// datasets), which h5py, h5dump and Keras read. Strings are written as h5py
// writes them: variable-length UTF-8.
//
// All numbers in the files this package writes are little-endian; data read
// from big-endian files is converted to little-endian.
package hdf5
