package dev.faissrebuild.deployer;

import dev.faissrebuild.events.IndexRejected;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.util.Optional;

/**
 * What the deployer may do beyond its safe default, each by the operator's explicit choice:
 *
 * @param requireValidationPass false ({@code rebuild.require_validation_pass}): an index rejected by a
 *     quality gate is deployed anyway, saying so; a build failure or a structure rejection never is,
 *     because a file FAISS cannot read, or that is not what it claims to be, breaks every consumer
 * @param enableRollback false ({@code deploy.enable_rollback}): a generation whose post-deploy verification
 *     fails stays live and is reported loudly; the operator rolls back by hand
 */
public record DeployPolicy(boolean requireValidationPass, boolean enableRollback) {
    public static final DeployPolicy SAFE = new DeployPolicy(true, true);
    /** The validator's integrity gate; its rejections are never waived. */
    static final String STRUCTURE_GATE = "structure";

    public static DeployPolicy of(FaissRebuildConfig c) {
        return new DeployPolicy(c.rebuild().requireValidationPass(), c.deploy().enableRollback());
    }

    /** The note a rejected index is deployed with, or empty when its rejection blocks the deploy. */
    Optional<String> waiver(IndexRejected r) {
        if (requireValidationPass || r.getBuilt() == null || STRUCTURE_GATE.equals(r.getFirstFailedGate())) return Optional.empty();
        return Optional.of("deployed despite its rejection, because rebuild.require_validation_pass = false: " + r.getReason());
    }
}
