# A stand-in for the real Fn FDK package (fnproject/fdk-python): what the
# runtime must prefer to its shim. Only what the test handler uses.
