fn main() {
    std::process::exit(vbump::cli::main());
}
