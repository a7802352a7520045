package dev.faissrebuild.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

/** What a test waits for in a consumer group, read with Kafka's admin client. */
final class ConsumerGroups {
    private ConsumerGroups() {}

    /** The group's members; none while the group does not exist yet (its first member has not joined). */
    private static java.util.Collection<MemberDescription> members(Admin admin, String group) throws Exception {
        try {
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return g.members();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) return List.of();
            throw e;
        }
    }

    /**
     * Waits until {@code group} has {@code members} members that all own partitions of {@code topic}, {@code partitions}
     * in all, and returns how many each owns. A cooperative rebalance hands partitions over in two rounds: this waits for the second.
     */
    static Map<String, Integer> awaitSettled(String bootstrap, String group, String topic, int members, int partitions, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Map<String, Integer> owned = new TreeMap<>();
                for (MemberDescription m : members(admin, group)) {
                    owned.put(m.consumerId(), (int) m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).count());
                }
                if (owned.size() == members && owned.values().stream().mapToInt(Integer::intValue).sum() == partitions && !owned.containsValue(0)) {
                    return owned;
                }
                if (System.nanoTime() > deadline) throw new AssertionError("the group '" + group + "' did not settle on " + members + " members: " + owned);
                Thread.sleep(500);
            }
        }
    }
}
