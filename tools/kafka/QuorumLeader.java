import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * Prints the node id of the active KRaft controller (the leader of the metadata quorum) as the brokers report it:
 * Admin#describeMetadataQuorum (KIP-836), what kafka-metadata-quorum.sh describe --status shows as LeaderId.
 * (A Metadata response's controller id is not it under KRaft: brokers name a random live broker there.)
 * Run by tools/kafka/cluster.sh controller as a single-file Java program: java -cp 'libs/*' QuorumLeader.java host:port,...
 */
public class QuorumLeader {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(p)) {
      QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get();
      System.out.println(q.leaderId());
    }
  }
}
