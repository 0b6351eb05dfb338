use shardlab_core::kcl::KclConfig;
use shardlab_core::kpl::KplConfig;
use shardlab_core::{Duration, Simulation};

use crate::sim_with_stream;

/// A producer and a KCL application living in the simulation, driven by
/// `advance` alone: the producer aggregates, the application de-aggregates
/// and processes every user record.
fn pipeline() -> Simulation {
    let mut sim = sim_with_stream(2);
    let producer = sim.create_kpl_producer(KplConfig::default(), 7);
    let app = sim.create_kcl_application(KclConfig::polling("orders-app", "s")).unwrap();
    sim.with_kcl_application(app, |app, now| app.add_worker(now)).unwrap();
    for i in 0..200 {
        let key = format!("customer-{}", i % 7);
        sim.kpl_add_user_record(producer, "s", &key, format!("order {i}").into_bytes(), None).unwrap().unwrap();
        sim.advance(Duration::from_millis(5));
    }
    sim.advance(Duration::from_secs(5));
    sim
}

#[test]
fn a_producer_and_an_application_run_as_the_clock_advances() {
    let sim = pipeline();
    let counters = sim.kpl_producer(shardlab_core::clients::ProducerId(0)).unwrap().counters();
    assert_eq!(counters.n_user_records_put, 200);
    assert!(counters.n_kinesis_records_sent < 50, "aggregated: {} Kinesis records", counters.n_kinesis_records_sent);
    let app = sim.kcl_application(shardlab_core::clients::ApplicationId(0)).unwrap();
    assert_eq!(app.output().len(), 200, "every user record processed once");
}

#[test]
fn snapshots_carry_producers_and_applications() {
    let sim = pipeline();
    let restored = Simulation::restore(&sim.snapshot()).unwrap();
    assert_eq!(restored.snapshot(), sim.snapshot());
    assert_eq!(restored.kcl_application(shardlab_core::clients::ApplicationId(0)).unwrap().output().len(), 200);
}
