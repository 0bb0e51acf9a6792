//! `wordcount`: one process of a word count on timely dataflow. `wordcount --help` is not an
//! option: run it with no arguments to see how to use it.

fn main() {
    std::process::exit(lab_cluster::cluster::main(std::env::args()));
}
