import Foundation

extension Forest {
    /// Reads a model saved by XGBoost's `Booster.save_model("model.json")` (the JSON schema
    /// of XGBoost 2.x and 3.x): a `gbtree` booster with one of the `Objective`s. Anything
    /// Lineup would score differently from XGBoost is refused, naming what it is.
    public init(xgboostJSON data: Data) throws(RankingError) {
        let file: XGBoostFile
        do {
            file = try JSONDecoder().decode(XGBoostFile.self, from: data)
        } catch let error as DecodingError {
            throw .malformedModel(Self.describe(error))
        } catch {
            throw .malformedModel("\(error)")
        }
        let learner = file.learner
        let booster = learner.gradientBooster
        guard booster.name == "gbtree" else {
            throw .unsupported("booster \(booster.name) (only gbtree is scored; dart and gblinear are not)")
        }
        guard let objective = Objective(rawValue: learner.objective.name) else {
            let known = Objective.allCases.map(\.rawValue).joined(separator: ", ")
            throw .unsupported("objective \(learner.objective.name) (supported: \(known))")
        }
        let parameters = learner.learnerModelParam
        if let classes = Int(parameters.numClass ?? "0"), classes > 1 {
            throw .unsupported("multi-class model with \(classes) classes")
        }
        if let targets = Int(parameters.numTarget ?? "1"), targets > 1 {
            throw .unsupported("multi-target model with \(targets) targets (vector leaves)")
        }
        guard let featureCount = Int(parameters.numFeature) else {
            throw .malformedModel("learner_model_param.num_feature is not an integer: \(parameters.numFeature)")
        }
        let baseScores = parameters.baseScore.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            .split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard baseScores.count == 1, let baseScore = baseScores[0] else {
            throw .malformedModel("learner_model_param.base_score is not one number: \(parameters.baseScore)")
        }
        guard let records = booster.model?.trees else {
            throw .malformedModel("learner.gradient_booster.model.trees is missing")
        }
        let trees = try records.enumerated().map { index, tree throws(RankingError) in
            try tree.tree(index: index)
        }
        let names = learner.featureNames ?? []
        try self.init(
            objective: objective, featureCount: featureCount, featureNames: names.isEmpty ? nil : names,
            baseScore: baseScore, trees: trees, lambdaRank: learner.objective.lambdaRank)
    }

    /// Reads a model file.
    public init(contentsOf url: URL) throws(RankingError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .malformedModel("cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(xgboostJSON: data)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "\(at.isEmpty ? "" : at + ".")\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON: \(context.debugDescription)" : "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The parts of XGBoost's JSON model that scoring needs; keys as XGBoost writes them.
private struct XGBoostFile: Decodable {
    var learner: Learner

    struct Learner: Decodable {
        var featureNames: [String]?
        var gradientBooster: Booster
        var learnerModelParam: ModelParameters
        var objective: ObjectiveName

        enum CodingKeys: String, CodingKey {
            case featureNames = "feature_names"
            case gradientBooster = "gradient_booster"
            case learnerModelParam = "learner_model_param"
            case objective
        }
    }

    struct ObjectiveName: Decodable {
        var name: String
        var lambdarankParam: [String: String]?
        var tiPlus: [Double]?
        var tjMinus: [Double]?

        enum CodingKeys: String, CodingKey {
            case name
            case lambdarankParam = "lambdarank_param"
            case tiPlus = "ti+"
            case tjMinus = "tj-"
        }

        /// The ranking settings XGBoost recorded; values it does not write read as its defaults.
        var lambdaRank: LambdaRankParameters? {
            guard let fields = lambdarankParam else { return nil }
            var parameters = LambdaRankParameters()
            if let method = fields["lambdarank_pair_method"].flatMap(LambdaRankParameters.PairMethod.init) {
                parameters.pairMethod = method
            }
            if let pairs = fields["lambdarank_num_pair_per_sample"].flatMap(Int.init), pairs < Int(UInt32.max) {
                parameters.pairsPerSample = pairs
            }
            parameters.normalization = fields["lambdarank_normalization"] != "0"
            parameters.scoreNormalization = fields["lambdarank_score_normalization"] != "0"
            parameters.unbiased = fields["lambdarank_unbiased"] == "1"
            parameters.exponentialGain = fields["ndcg_exp_gain"] != "0"
            if let norm = fields["lambdarank_bias_norm"].flatMap(Double.init) { parameters.biasNorm = norm }
            if parameters.unbiased, let plus = tiPlus, let minus = tjMinus {
                parameters.positionBias = .init(plus: plus, minus: minus)
            }
            return parameters
        }
    }

    struct ModelParameters: Decodable {
        var baseScore: String
        var numClass: String?
        var numFeature: String
        var numTarget: String?

        enum CodingKeys: String, CodingKey {
            case baseScore = "base_score"
            case numClass = "num_class"
            case numFeature = "num_feature"
            case numTarget = "num_target"
        }
    }

    struct Booster: Decodable {
        var name: String
        var model: Model?
    }

    struct Model: Decodable {
        /// Absent from a gblinear model, which is refused by name before trees are read.
        var trees: [TreeRecord]?
    }

    struct TreeRecord: Decodable {
        var leftChildren: [Int32]
        var rightChildren: [Int32]
        var splitIndices: [Int32]
        var splitConditions: [Float]
        var defaultLeft: [Bool]
        var sumHessian: [Float]
        var lossChanges: [Float]?
        var splitType: [Int]?
        var categories: [Int]?
        var treeParam: TreeParameters

        struct TreeParameters: Decodable {
            var sizeLeafVector: String?

            enum CodingKeys: String, CodingKey {
                case sizeLeafVector = "size_leaf_vector"
            }
        }

        enum CodingKeys: String, CodingKey {
            case leftChildren = "left_children"
            case rightChildren = "right_children"
            case splitIndices = "split_indices"
            case splitConditions = "split_conditions"
            case defaultLeft = "default_left"
            case sumHessian = "sum_hessian"
            case lossChanges = "loss_changes"
            case splitType = "split_type"
            case categories
            case treeParam = "tree_param"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            leftChildren = try container.decode([Int32].self, forKey: .leftChildren)
            rightChildren = try container.decode([Int32].self, forKey: .rightChildren)
            splitIndices = try container.decode([Int32].self, forKey: .splitIndices)
            splitConditions = try container.decode([Float].self, forKey: .splitConditions)
            // 0/1 in XGBoost 2.x and 3.x files, booleans in some older ones.
            if let flags = try? container.decode([Int].self, forKey: .defaultLeft) {
                defaultLeft = flags.map { $0 != 0 }
            } else {
                defaultLeft = try container.decode([Bool].self, forKey: .defaultLeft)
            }
            sumHessian = try container.decode([Float].self, forKey: .sumHessian)
            lossChanges = try container.decodeIfPresent([Float].self, forKey: .lossChanges)
            splitType = try container.decodeIfPresent([Int].self, forKey: .splitType)
            categories = try container.decodeIfPresent([Int].self, forKey: .categories)
            treeParam = try container.decode(TreeParameters.self, forKey: .treeParam)
        }

        func tree(index: Int) throws(RankingError) -> Tree {
            if let size = treeParam.sizeLeafVector.flatMap(Int.init), size > 1 {
                throw .unsupported("vector leaves (trees[\(index)] has leaves of \(size) values)")
            }
            if splitType?.contains(where: { $0 != 0 }) == true || categories?.isEmpty == false {
                throw .unsupported("categorical splits (in trees[\(index)])")
            }
            return Tree(
                left: leftChildren, right: rightChildren, feature: splitIndices, threshold: splitConditions,
                defaultLeft: defaultLeft, cover: sumHessian, gain: lossChanges)
        }
    }
}
