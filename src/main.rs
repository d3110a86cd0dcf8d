fn main() {
    reclaim::run();
}
