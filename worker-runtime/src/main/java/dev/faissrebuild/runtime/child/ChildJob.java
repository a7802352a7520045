package dev.faissrebuild.runtime.child;

/**
 * Work a worker hands to a child JVM of its own (a build, a validation): a request in, a reply out,
 * both as JSON. Implementations are public with a public no-argument constructor; {@link ChildMain}
 * creates one by name in the child. A failure the job can name is part of its reply; anything that
 * kills the child is the supervisor's to describe ({@link ChildResult.Died}).
 */
public interface ChildJob<Q, R> {
    Class<Q> requestType();

    R run(Q request);
}
