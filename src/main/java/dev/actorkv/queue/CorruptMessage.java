package dev.actorkv.queue;

/** A message whose stored value does not decode: never delivered, kept until deleted by id. */
public record CorruptMessage(long id, String problem) {}
