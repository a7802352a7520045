package dev.faissrebuild.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A wait for the indices lock is logged when it starts, naming the holder, and is bounded. */
class IndicesLockTest {
    @TempDir Path dir;

    @Test
    void aWaitIsLoggedWhenItStartsAndWhenItEnds() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(IndicesLock.class)).addAppender(log);
        Path lockFile = dir.resolve(".lock");
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try (IndicesLock lock = IndicesLock.acquire(lockFile, "cli: backup restore (user test)", Duration.ZERO)) {
                held.countDown();
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
        assertThatThrownBy(() -> IndicesLock.acquire(lockFile, "deployer: deploy rebuild r1", Duration.ofMillis(200)))
                .isInstanceOf(IndicesLock.BusyException.class).hasMessageContaining("waited 0 s");
        try (IndicesLock lock = IndicesLock.acquire(lockFile, "deployer: deploy rebuild r2", Duration.ofSeconds(30))) {
            assertThat(lock).isNotNull();
        }
        holder.join();
        var lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("event=lock_wait_started").contains("for=\"deployer: deploy rebuild r2\"")
                .contains("max_wait_s=30"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("event=lock_acquired").contains("for=\"deployer: deploy rebuild r2\""));
    }
}
