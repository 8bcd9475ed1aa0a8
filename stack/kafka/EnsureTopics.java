import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Creates the pipeline's topics when missing; run by ./seckill up in Java's single-file mode.
 * Usage: {@code java -cp '<kafka libs>/*' EnsureTopics.java 127.0.0.1:9092 name:partitions ...}
 */
public final class EnsureTopics {

  private EnsureTopics() {
  }

  /** Creates each missing topic (replication 1: a single broker) and checks existing partition counts. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: EnsureTopics <bootstrap> <topic:partitions>...");
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "seckill-ensure-topics");
    // The broker answers within seconds once up; a bounded wait turns a hang into an error.
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (int i = 1; i < args.length; i++) {
        String[] nameAndCount = args[i].split(":", 2);
        int partitions = Integer.parseInt(nameAndCount[1]);
        if (existing.contains(nameAndCount[0])) {
          TopicDescription d = admin.describeTopics(List.of(nameAndCount[0]))
              .allTopicNames().get(30, TimeUnit.SECONDS).get(nameAndCount[0]);
          if (d.partitions().size() < partitions) {
            System.err.printf("topic %s has %d partitions, wanted %d: leaving it as is%n",
                nameAndCount[0], d.partitions().size(), partitions);
          }
        } else {
          missing.add(new NewTopic(nameAndCount[0], partitions, (short) 1));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
      for (NewTopic t : missing) {
        System.out.printf("created topic %s (%d partitions)%n", t.name(), t.numPartitions());
      }
    }
  }
}
