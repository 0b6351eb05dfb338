//! Firehose (`Firehose_20150804.*`), the object store (`Shardlab.S3*`) and
//! SQS (`AmazonSQS.*`) through the JSON API.

use serde_json::{Value, json};

use crate::{Api, START_MILLIS, arn, check_errors, error, invalid, null};

/// Base64 of `text`.
fn b64(text: &str) -> String {
    shardlab_core::base64::encode(text.as_bytes())
}

/// An `ExtendedS3DestinationConfiguration` to bucket `archive`, merged with `extra`.
fn s3_destination(extra: Value) -> Value {
    let mut destination =
        json!({"BucketARN": "arn:aws:s3:::archive", "RoleARN": "arn:aws:iam::123456789012:role/firehose"});
    destination.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    destination
}

#[test]
fn direct_put_delivers_transformed_gzip_objects() {
    let mut api = Api::default();
    api.ok("Shardlab.S3CreateBucket", json!({"Bucket": "archive"}));
    let function = api.ok(
        "Shardlab.CreateTransformFunction",
        json!({"FunctionName": "shout", "Steps": [{"Type": "FAIL_IF_CONTAINS", "Text": "bad"}, {"Type": "UPPERCASE"}, {"Type": "APPEND_NEWLINE"}]}),
    );
    let function_arn = function["FunctionArn"].as_str().unwrap().to_owned();
    assert_eq!(function_arn, "arn:aws:lambda:us-east-1:123456789012:function:shout");
    let created = api.ok(
        "Firehose_20150804.CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "d",
            "ExtendedS3DestinationConfiguration": s3_destination(json!({
                "Prefix": "app/",
                "ErrorOutputPrefix": "errors/",
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
                "CompressionFormat": "GZIP",
                "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "Lambda", "Parameters": [
                    {"ParameterName": "LambdaArn", "ParameterValue": function_arn}]}]},
            })),
        }),
    );
    assert_eq!(created, json!({"DeliveryStreamARN": "arn:aws:firehose:us-east-1:123456789012:deliverystream/d"}));
    let description = api.ok("Firehose_20150804.DescribeDeliveryStream", json!({"DeliveryStreamName": "d"}));
    let description = &description["DeliveryStreamDescription"];
    assert_eq!(description["DeliveryStreamStatus"], "ACTIVE");
    assert_eq!(description["DeliveryStreamType"], "DirectPut");
    let s3 = &description["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(s3["BufferingHints"], json!({"SizeInMBs": 1, "IntervalInSeconds": 60}));
    assert_eq!(s3["CompressionFormat"], "GZIP");

    let put = api.ok("Firehose_20150804.PutRecord", json!({"DeliveryStreamName": "d", "Record": {"Data": b64("one")}}));
    assert!(put["RecordId"].is_string() && put["Encrypted"] == json!(false), "{put}");
    let batch = api.ok(
        "Firehose_20150804.PutRecordBatch",
        json!({"DeliveryStreamName": "d", "Records": [{"Data": b64("two")}, {"Data": b64("bad three")}]}),
    );
    assert_eq!(batch["FailedPutCount"], 0);
    assert_eq!(batch["RequestResponses"].as_array().unwrap().len(), 2);
    let status = api.ok("Shardlab.FirehoseStatus", json!({"DeliveryStreamName": "d"}));
    assert_eq!((status["BufferedRecords"].clone(), status["BufferedBytes"].clone()), (json!(3), json!(15)));
    assert_eq!(status["IntervalDue"], json!((START_MILLIS + 60_000) as f64 / 1000.0));

    api.advance(60_000);
    let listed = api.ok("Shardlab.S3ListObjects", json!({"Bucket": "archive", "Prefix": "app/"}));
    assert_eq!(listed["KeyCount"], 1);
    let key = listed["Contents"][0]["Key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("app/2026/01/01/00/d-1-2026-01-01-00-00-00-") && key.ends_with(".gz"), "{key}");
    assert_eq!(listed["Contents"][0]["LastModified"], "2026-01-01T00:01:00.000Z");
    let object = api.ok("Shardlab.S3GetObject", json!({"Bucket": "archive", "Key": key}));
    assert_eq!(object["InflatedText"], "ONE\nTWO\n");
    assert_eq!(object["Text"], Value::Null, "GZIP is not UTF-8");

    let errors = api.ok(
        "Shardlab.S3ListObjects",
        json!({"Bucket": "archive", "Prefix": "errors/processing-failed/2026/01/01/00/"}),
    );
    let error_key = errors["Contents"][0]["Key"].as_str().unwrap().to_owned();
    let text = api.ok("Shardlab.S3GetObject", json!({"Bucket": "archive", "Key": error_key}))["Text"].clone();
    let document: Value = serde_json::from_str(text.as_str().unwrap().trim_end()).unwrap();
    assert_eq!(document["rawData"], b64("bad three"));
    assert_eq!(document["errorCode"], "Lambda.ProcessingFailedStatus");

    let status = api.ok("Shardlab.FirehoseStatus", json!({"DeliveryStreamName": "d"}));
    assert_eq!(status["Counters"]["DeliveredRecords"], 2);
    assert_eq!(status["Counters"]["FailedRecords"], 1);
    assert_eq!(status.get("BufferAgeMillis"), None, "an empty buffer has no age");

    assert_eq!(
        api.ok("Firehose_20150804.ListDeliveryStreams", json!({})),
        json!({"DeliveryStreamNames": ["d"], "HasMoreDeliveryStreams": false})
    );
    assert_eq!(api.ok("Firehose_20150804.DeleteDeliveryStream", json!({"DeliveryStreamName": "d"})), json!({}));
    assert_eq!(
        api.ok("Firehose_20150804.ListDeliveryStreams", json!({"Limit": 5})),
        json!({"DeliveryStreamNames": [], "HasMoreDeliveryStreams": false})
    );
}

#[test]
fn a_kinesis_sourced_delivery_stream_archives_the_stream() {
    let mut api = Api::with_stream(1);
    api.ok("Shardlab.S3CreateBucket", json!({"Bucket": "archive"}));
    api.ok(
        "Firehose_20150804.CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "cold",
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": {"KinesisStreamARN": arn("s"), "RoleARN": "arn:aws:iam::123456789012:role/r"},
            "ExtendedS3DestinationConfiguration": s3_destination(json!({
                "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 0},
                "SimulatedFormatConversion": {"Format": "CSV", "Columns": ["id", "city"]},
            })),
        }),
    );
    for record in [r#"{"id":1,"city":"Oslo"}"#, r#"{"city":"Lima","id":2}"#] {
        api.ok("PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(record)}));
    }
    let refused =
        api.call("Firehose_20150804.PutRecord", json!({"DeliveryStreamName": "cold", "Record": {"Data": b64("x")}}));
    assert_eq!(refused.1["__type"], "InvalidArgumentException");
    api.advance(1000);
    let listed = api.ok("Shardlab.S3ListObjects", json!({"Bucket": "archive"}));
    let key = listed["Contents"][0]["Key"].as_str().unwrap().to_owned();
    let object = api.ok("Shardlab.S3GetObject", json!({"Bucket": "archive", "Key": key}));
    assert_eq!(object["Text"], "1,Oslo\n2,Lima\n");
    let description = api.ok("Firehose_20150804.DescribeDeliveryStream", json!({"DeliveryStreamName": "cold"}));
    assert_eq!(
        description["DeliveryStreamDescription"]["Source"]["KinesisStreamSourceDescription"]["KinesisStreamARN"],
        arn("s")
    );
}

#[test]
fn firehose_and_s3_errors() {
    let mut api = Api::default();
    api.ok("Shardlab.S3CreateBucket", json!({"Bucket": "archive"}));
    api.ok(
        "Firehose_20150804.CreateDeliveryStream",
        json!({"DeliveryStreamName": "d", "ExtendedS3DestinationConfiguration": s3_destination(json!({}))}),
    );
    let too_many: Vec<Value> = (0..501).map(|_| json!({"Data": b64("x")})).collect();
    check_errors(
        &mut api,
        &[
            (
                "Firehose_20150804.DescribeDeliveryStream",
                json!({"DeliveryStreamName": "nope"}),
                error("ResourceNotFoundException", "Firehose nope under account 123456789012 not found."),
            ),
            ("Firehose_20150804.PutRecord", json!({"DeliveryStreamName": "d"}), invalid(&null("record"))),
            (
                "Firehose_20150804.PutRecordBatch",
                json!({"DeliveryStreamName": "d", "Records": too_many}),
                invalid(&format!(
                    "Value '[{}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
                    ["com.amazonaws.firehose.v20150804.Record@b6"; 501].join(", ")
                )),
            ),
            (
                "Firehose_20150804.CreateDeliveryStream",
                json!({"DeliveryStreamName": "d", "ExtendedS3DestinationConfiguration": s3_destination(json!({}))}),
                error("ResourceInUseException", "Firehose d under accountId 123456789012 already exists"),
            ),
            (
                "Firehose_20150804.CreateDeliveryStream",
                json!({"DeliveryStreamName": "e", "ExtendedS3DestinationConfiguration": s3_destination(json!({"BufferingHints": {"SizeInMBs": 129}}))}),
                invalid(
                    "Value '129' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128",
                ),
            ),
            (
                "Firehose_20150804.CreateDeliveryStream",
                json!({"DeliveryStreamName": "e"}),
                invalid(&null("extendedS3DestinationConfiguration")),
            ),
            (
                "Shardlab.S3GetObject",
                json!({"Bucket": "archive", "Key": "k"}),
                error("NoSuchKey", "The specified key does not exist: k"),
            ),
            (
                "Shardlab.S3ListObjects",
                json!({"Bucket": "nope"}),
                error("NoSuchBucket", "The specified bucket does not exist: nope"),
            ),
            (
                "Shardlab.CreateTransformFunction",
                json!({"FunctionName": "f", "Steps": [{"Type": "DROP_IF_CONTAINS"}]}),
                error("InvalidArgumentException", "DROP_IF_CONTAINS and FAIL_IF_CONTAINS steps need a Text."),
            ),
        ],
    );
}

#[test]
fn sqs_queue_through_the_json_protocol() {
    let mut api = Api::default();
    let dlq = api.ok("AmazonSQS.CreateQueue", json!({"QueueName": "dlq"}))["QueueUrl"].clone();
    assert_eq!(dlq, "https://sqs.us-east-1.amazonaws.com/123456789012/dlq");
    let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":1}"#;
    let url = api.ok(
        "AmazonSQS.CreateQueue",
        json!({"QueueName": "work", "Attributes": {"VisibilityTimeout": "5", "RedrivePolicy": policy}}),
    )["QueueUrl"]
        .clone();
    assert_eq!(api.ok("AmazonSQS.GetQueueUrl", json!({"QueueName": "work"})), json!({"QueueUrl": url}));
    assert_eq!(api.ok("AmazonSQS.ListQueues", json!({"QueueNamePrefix": "w"})), json!({"QueueUrls": [url]}));

    let sent = api.ok("AmazonSQS.SendMessage", json!({"QueueUrl": url, "MessageBody": "job"}));
    assert_eq!(sent["MD5OfMessageBody"], md5_hex("job"));
    let received = api.ok(
        "AmazonSQS.ReceiveMessage",
        json!({"QueueUrl": url, "MaxNumberOfMessages": 10, "MessageSystemAttributeNames": ["All"]}),
    );
    let message = &received["Messages"][0];
    assert_eq!(message["Body"], "job");
    assert_eq!(message["MessageId"], sent["MessageId"]);
    assert_eq!(message["Attributes"]["ApproximateReceiveCount"], "1");
    assert_eq!(message["Attributes"]["SentTimestamp"], START_MILLIS.to_string());
    let attributes = api.ok("AmazonSQS.GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["All"]}));
    assert_eq!(attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "1");
    assert_eq!(attributes["Attributes"]["VisibilityTimeout"], "5");
    assert_eq!(api.ok("AmazonSQS.ReceiveMessage", json!({"QueueUrl": url})), json!({}), "in flight");

    // Not deleted: after the timeout, the next receive moves it to the dead-letter queue.
    api.advance(5000);
    assert_eq!(api.ok("AmazonSQS.ReceiveMessage", json!({"QueueUrl": url})), json!({}));
    let dead = api.ok("AmazonSQS.ReceiveMessage", json!({"QueueUrl": dlq}));
    let handle = dead["Messages"][0]["ReceiptHandle"].clone();
    assert_eq!(
        api.ok(
            "AmazonSQS.ChangeMessageVisibility",
            json!({"QueueUrl": dlq, "ReceiptHandle": handle, "VisibilityTimeout": 60})
        ),
        Value::Null
    );
    assert_eq!(api.ok("AmazonSQS.DeleteMessage", json!({"QueueUrl": dlq, "ReceiptHandle": handle})), Value::Null);
    let attributes = api.ok("AmazonSQS.GetQueueAttributes", json!({"QueueUrl": dlq, "AttributeNames": ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]}));
    assert_eq!(
        attributes,
        json!({"Attributes": {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}})
    );
    assert_eq!(api.ok("AmazonSQS.PurgeQueue", json!({"QueueUrl": url})), Value::Null);
}

fn md5_hex(text: &str) -> String {
    use md5::{Digest, Md5};
    Md5::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn sqs_errors() {
    let mut api = Api::default();
    let url = api.ok("AmazonSQS.CreateQueue", json!({"QueueName": "q"}))["QueueUrl"].clone();
    check_errors(
        &mut api,
        &[
            (
                "AmazonSQS.SendMessage",
                json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/nope", "MessageBody": "x"}),
                error("com.amazonaws.sqs#QueueDoesNotExist", "The specified queue does not exist."),
            ),
            (
                "AmazonSQS.ReceiveMessage",
                json!({"QueueUrl": url, "MaxNumberOfMessages": 11}),
                error(
                    "InvalidParameterValue",
                    "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
                ),
            ),
            (
                "AmazonSQS.DeleteMessage",
                json!({"QueueUrl": url, "ReceiptHandle": "nope"}),
                error(
                    "com.amazonaws.sqs#ReceiptHandleIsInvalid",
                    "The input receipt handle \"nope\" is not a valid receipt handle.",
                ),
            ),
            (
                "AmazonSQS.GetQueueAttributes",
                json!({"QueueUrl": url, "AttributeNames": ["Colour"]}),
                error("com.amazonaws.sqs#InvalidAttributeName", "Unknown Attribute Colour."),
            ),
            ("AmazonSQS.SendMessage", json!({"QueueUrl": url}), invalid(&null("messageBody"))),
        ],
    );
}

#[test]
fn a_transform_function_answers_in_lambdas_record_format() {
    let mut api = Api::default();
    api.ok(
        "Shardlab.CreateTransformFunction",
        json!({"FunctionName": "f", "Steps": [{"Type": "DROP_IF_CONTAINS", "Text": "debug"}, {"Type": "UPPERCASE"}]}),
    );
    let answer = api.ok(
        "Shardlab.TestTransformFunction",
        json!({"FunctionName": "f", "Records": [{"recordId": "r1", "data": b64("hi")}, {"recordId": "r2", "data": b64("debug")}]}),
    );
    assert_eq!(
        answer,
        json!({"records": [
            {"recordId": "r1", "result": "Ok", "data": b64("HI")},
            {"recordId": "r2", "result": "Dropped", "data": b64("debug")},
        ]})
    );
    check_errors(
        &mut api,
        &[(
            "Shardlab.TestTransformFunction",
            json!({"FunctionName": "g", "Records": []}),
            error("ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:123456789012:function:g"),
        )],
    );
}

#[test]
fn a_fifo_queue_keeps_each_group_in_order() {
    let mut api = Api::default();
    let url = api.ok(
        "AmazonSQS.CreateQueue",
        json!({"QueueName": "orders.fifo", "Attributes": {"FifoQueue": "true", "ContentBasedDeduplication": "true"}}),
    )["QueueUrl"]
        .clone();
    let mut sequence_numbers = Vec::new();
    for body in ["created", "paid", "shipped"] {
        let sent =
            api.ok("AmazonSQS.SendMessage", json!({"QueueUrl": url, "MessageBody": body, "MessageGroupId": "order-1"}));
        sequence_numbers.push(sent["SequenceNumber"].as_str().unwrap().to_owned());
    }
    assert_eq!(sequence_numbers, ["1", "2", "3"]);
    let duplicate =
        api.ok("AmazonSQS.SendMessage", json!({"QueueUrl": url, "MessageBody": "paid", "MessageGroupId": "order-1"}));
    assert_eq!(duplicate["SequenceNumber"], "2", "deduplicated by content");
    let received = api.ok("AmazonSQS.ReceiveMessage", json!({"QueueUrl": url, "MaxNumberOfMessages": 10, "MessageSystemAttributeNames": ["MessageGroupId", "SequenceNumber"]}));
    let bodies: Vec<&str> =
        received["Messages"].as_array().unwrap().iter().map(|m| m["Body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["created", "paid", "shipped"]);
    assert_eq!(received["Messages"][2]["Attributes"], json!({"MessageGroupId": "order-1", "SequenceNumber": "3"}));
    check_errors(
        &mut api,
        &[(
            "AmazonSQS.SendMessage",
            json!({"QueueUrl": url, "MessageBody": "x"}),
            error("MissingParameter", "The request must contain the parameter MessageGroupId."),
        )],
    );
}

#[test]
fn buffering_hints_with_one_member_are_refused() {
    let mut api = Api::default();
    let create = |hints: Value| json!({"DeliveryStreamName": "d", "ExtendedS3DestinationConfiguration": s3_destination(json!({"BufferingHints": hints}))});
    let lone = error(
        "InvalidArgumentException",
        "BufferingHints must specify both SizeInMBs and IntervalInSeconds, or neither.",
    );
    check_errors(
        &mut api,
        &[
            ("Firehose_20150804.CreateDeliveryStream", create(json!({"SizeInMBs": 5})), lone.clone()),
            ("Firehose_20150804.CreateDeliveryStream", create(json!({"IntervalInSeconds": 60})), lone),
            (
                "Firehose_20150804.CreateDeliveryStream",
                create(json!({"IntervalInSeconds": 901})),
                invalid(
                    "Value '901' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
                ),
            ),
        ],
    );
    api.ok("Firehose_20150804.CreateDeliveryStream", create(json!({})));
    api.ok("Firehose_20150804.DeleteDeliveryStream", json!({"DeliveryStreamName": "d"}));
    api.ok("Firehose_20150804.CreateDeliveryStream", create(json!({"SizeInMBs": 5, "IntervalInSeconds": 60})));
}

#[test]
fn dynamic_partitioning_through_the_json_protocol() {
    let mut api = Api::default();
    api.ok("Shardlab.S3CreateBucket", json!({"Bucket": "archive"}));
    let query = "{customer_id: .customer_id, device: .type.device}";
    let configuration = s3_destination(json!({
        "Prefix": "customer_id=!{partitionKeyFromQuery:customer_id}/device=!{partitionKeyFromQuery:device}/",
        "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
        "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
        "DynamicPartitioningConfiguration": {"Enabled": true, "RetryOptions": {"DurationInSeconds": 300}},
        "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]},
    }));
    let mut too_small = configuration.clone();
    too_small["BufferingHints"]["SizeInMBs"] = json!(5);
    check_errors(
        &mut api,
        &[(
            "Firehose_20150804.CreateDeliveryStream",
            json!({"DeliveryStreamName": "d", "ExtendedS3DestinationConfiguration": too_small}),
            error(
                "InvalidArgumentException",
                "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.",
            ),
        )],
    );
    api.ok(
        "Firehose_20150804.CreateDeliveryStream",
        json!({"DeliveryStreamName": "d", "ExtendedS3DestinationConfiguration": configuration}),
    );
    let description = api.ok("Firehose_20150804.DescribeDeliveryStream", json!({"DeliveryStreamName": "d"}));
    let s3 = &description["DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(s3["DynamicPartitioningConfiguration"], json!({"Enabled": true}));
    assert_eq!(s3["ProcessingConfiguration"]["Processors"][0]["Parameters"][0]["ParameterValue"], query);

    let records = [
        r#"{"customer_id": "1234567890", "type": {"device": "mobile"}}"#,
        r#"{"customer_id": "1234567890", "type": {"device": "tablet"}}"#,
        r#"{"customer_id": "1234567890"}"#,
    ];
    let records: Vec<Value> = records.iter().map(|r| json!({"Data": b64(r)})).collect();
    api.ok("Firehose_20150804.PutRecordBatch", json!({"DeliveryStreamName": "d", "Records": records}));
    let status = api.ok("Shardlab.FirehoseStatus", json!({"DeliveryStreamName": "d"}));
    assert_eq!(status["ActivePartitions"], 3);
    api.advance(60_000);
    let listed = api.ok("Shardlab.S3ListObjects", json!({"Bucket": "archive", "Prefix": ""}));
    let keys: Vec<&str> = listed["Contents"].as_array().unwrap().iter().map(|o| o["Key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys[0].starts_with("customer_id=1234567890/device=mobile/d-1-2026-01-01-00-00-00-"), "{keys:?}");
    assert!(keys[1].starts_with("customer_id=1234567890/device=tablet/d-1-"), "{keys:?}");
    assert!(keys[2].starts_with("errors/partitioning-failed/2026/01/01/d-1-"), "{keys:?}");
}

#[test]
fn a_transform_function_answers_partition_keys_as_metadata() {
    let mut api = Api::default();
    api.ok(
        "Shardlab.CreateTransformFunction",
        json!({"FunctionName": "f", "Steps": [{"Type": "PARTITION_KEYS", "Query": "{region: .region}"}]}),
    );
    let answer = api.ok(
        "Shardlab.TestTransformFunction",
        json!({"FunctionName": "f", "Records": [{"recordId": "r1", "data": b64(r#"{"region":"eu"}"#)}, {"recordId": "r2", "data": b64("x")}]}),
    );
    assert_eq!(
        answer,
        json!({"records": [
            {"recordId": "r1", "result": "Ok", "data": b64(r#"{"region":"eu"}"#), "metadata": {"partitionKeys": {"region": "eu"}}},
            {"recordId": "r2", "result": "Ok", "data": b64("x")},
        ]})
    );
    check_errors(
        &mut api,
        &[
            (
                "Shardlab.CreateTransformFunction",
                json!({"FunctionName": "g", "Steps": [{"Type": "PARTITION_KEYS"}]}),
                error("InvalidArgumentException", "PARTITION_KEYS steps need a Query."),
            ),
            (
                "Shardlab.CreateTransformFunction",
                json!({"FunctionName": "g", "Steps": [{"Type": "PARTITION_KEYS", "Query": ".region"}]}),
                error(
                    "InvalidArgumentException",
                    "The PARTITION_KEYS query is not valid: unexpected '.' at character 1; the simulation's jq subset is {key: .path, …}.",
                ),
            ),
        ],
    );
}
