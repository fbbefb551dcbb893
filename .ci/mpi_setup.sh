# Sourced by the Open MPI test scripts (.ci/mpi_test.sh,
# .ci/distribute_test.sh): installs what they need with apt-get where it is
# missing, or ends the calling script with exit 0 and a SKIP line naming
# what is missing (tests that cannot run are not failures); then sets the
# environment every mpirun here uses.
# Usage: mpi_setup WHAT   (WHAT names the tests in the SKIP line)
mpi_setup() {
  local what=$1
  local need=()
  command -v mpirun >/dev/null 2>&1 || need+=(openmpi-bin)
  command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
  pkg-config --exists ompi 2>/dev/null || need+=(libopenmpi-dev)
  command -v "$(go env CC)" >/dev/null 2>&1 || need+=(gcc)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  if [ ${#need[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "SKIP $what: ${need[*]} missing and there is no apt-get to install them"; exit 0
    fi
    if [ "$(id -u)" != 0 ]; then
      echo "SKIP $what: ${need[*]} missing and not root, so cannot apt-get install them"; exit 0
    fi
    echo "== installing ${need[*]}"
    if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1; then
      echo "SKIP $what: apt-get install ${need[*]} failed"; exit 0
    fi
  fi
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 # CI runs as root
  export OMPI_MCA_pml=ob1           # no UCX (and its warnings)
  export OMPI_MCA_btl=self,vader    # shared memory only
}
