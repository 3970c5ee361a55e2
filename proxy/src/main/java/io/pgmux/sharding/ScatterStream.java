package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.pgmux.protocol.MessageTypes;

import java.util.ArrayList;
import java.util.List;

/**
 * One shard's messages sorted by role. Holds the buffers of its {@link ScatterResult} without
 * owning them: {@link ScatterMerger} releases them.
 *
 * @param shard          the shard's label
 * @param framing        every message but DataRows and notices, in order (RowDescription,
 *                       CommandComplete, ErrorResponse, ParseComplete, ...)
 * @param rows           the DataRows in order
 * @param notices        NoticeResponse, NotificationResponse and ParameterStatus messages
 * @param rowDescription the RowDescription, or null
 * @param complete       the CommandComplete, or null
 * @param error          the ErrorResponse, or null
 */
record ScatterStream(String shard, List<ByteBuf> framing, List<ByteBuf> rows, List<ByteBuf> notices,
                     ByteBuf rowDescription, ByteBuf complete, ByteBuf error) {

    static ScatterStream of(ScatterResult result) {
        List<ByteBuf> framing = new ArrayList<>();
        List<ByteBuf> rows = new ArrayList<>();
        List<ByteBuf> notices = new ArrayList<>();
        ByteBuf rowDescription = null;
        ByteBuf complete = null;
        ByteBuf error = null;
        for (ByteBuf msg : result.messages()) {
            byte type = msg.getByte(msg.readerIndex());
            if (type == MessageTypes.DATA_ROW) {
                rows.add(msg);
                continue;
            }
            if (type == MessageTypes.NOTICE_RESPONSE || type == MessageTypes.NOTIFICATION_RESPONSE
                    || type == MessageTypes.PARAMETER_STATUS) {
                notices.add(msg);
                continue;
            }
            switch (type) {
                case MessageTypes.ROW_DESCRIPTION -> rowDescription = once(rowDescription, msg, result);
                case MessageTypes.COMMAND_COMPLETE -> complete = once(complete, msg, result);
                case MessageTypes.ERROR_RESPONSE -> error = error == null ? msg : error;
                case MessageTypes.PARSE_COMPLETE, MessageTypes.BIND_COMPLETE, MessageTypes.CLOSE_COMPLETE,
                        MessageTypes.PARAMETER_DESCRIPTION, MessageTypes.NO_DATA, MessageTypes.READY_FOR_QUERY -> {
                    // passed on from the first shard
                }
                case MessageTypes.PORTAL_SUSPENDED -> throw new MergeException(
                        "cannot merge a partial Execute across shards; execute without a row limit");
                default -> throw new MergeException("cannot merge " + MessageTypes.describe(type, false)
                        + " from shard " + result.shard());
            }
            framing.add(msg);
        }
        return new ScatterStream(result.shard(), framing, rows, notices, rowDescription, complete, error);
    }

    private static ByteBuf once(ByteBuf seen, ByteBuf msg, ScatterResult result) {
        if (seen != null) {
            throw new MergeException("shard " + result.shard() + " answered more than one statement");
        }
        return msg;
    }

    /** The framing messages before {@code stop} (all of them if it is null or not among them). */
    List<ByteBuf> framingBefore(ByteBuf stop) {
        int at = stop == null ? -1 : framing.indexOf(stop);
        return at < 0 ? framing : framing.subList(0, at);
    }

    /** Checks the shard answered a SELECT completely: a CommandComplete counting the rows sent. */
    void checkComplete() {
        if (complete == null) {
            throw new MergeException("shard " + shard + " sent no CommandComplete");
        }
        String tag = RowValues.commandTag(complete);
        if (!tag.equals("SELECT " + rows.size())) {
            throw new MergeException("shard " + shard + " answered " + tag + " with " + rows.size() + " rows");
        }
    }
}
