// rungctl: the command line over rungd's gRPC API.

int main() { return 0; }
